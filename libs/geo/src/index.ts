export * from './tile-coord';
export * from './mercator';
