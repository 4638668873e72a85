export * from './limits';
export * from './story';
export * from './stats';
export * from './api';
