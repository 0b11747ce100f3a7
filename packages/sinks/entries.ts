export const entries = ['index', 'kafka/index', 'cassandra/index', 'console/index', 'nats/index', 'redis/index', 'postgres/index'];
