export {
  type FakeFinnhubConnectionInfo,
  type FakeFinnhubPublishOptions,
  type FakeFinnhubSentFrame,
  type FakeFinnhubServer,
  type FakeFinnhubServerOptions,
  type FakeFinnhubTrade,
  createFakeFinnhubServer,
} from './fakeFinnhub/createFakeFinnhubServer.js';
