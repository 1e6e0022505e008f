export * from './emulator-server';
