export const entries = ['index', 'prometheus/index'];
