export * from './emulator-server';
export * from './vendor-emulator';
