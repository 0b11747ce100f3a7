export const entries = ['index', 'kafka/index', 'cassandra/index', 'cassandra/cli', 'console/index', 'nats/index', 'redis/index', 'postgres/index'];
