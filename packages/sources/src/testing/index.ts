/**
 * Fake Finnhub and Yahoo servers to test pipelines against, offline and deterministic.
 *
 * @module @tickflow/sources/testing
 */
export {
  type FakeFinnhubConnectionInfo,
  type FakeFinnhubPublishOptions,
  type FakeFinnhubReplayOptions,
  type FakeFinnhubSentFrame,
  type FakeFinnhubServer,
  type FakeFinnhubServerOptions,
  type FakeFinnhubTrade,
  createFakeFinnhubServer,
} from './fakeFinnhub/createFakeFinnhubServer.js';
export {
  type FakeYahooEndpoint,
  type FakeYahooFault,
  type FakeYahooServer,
  type FakeYahooServerOptions,
  type FakeYahooStats,
  createFakeYahooServer,
} from './fakeYahoo/createFakeYahooServer.js';
