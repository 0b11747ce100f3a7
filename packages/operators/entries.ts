export const entries = ['index'];
