export const entries = ['index', 'kafka/index', 'cassandra/index', 'console/index'];
