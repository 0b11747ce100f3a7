export const entries = ['index', 'finnhub/index', 'yahoo/index', 'kafka/index', 'testing/index'];
