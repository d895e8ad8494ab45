/** The kecs-live wire protocol (docs/protocol.md): schemas, types and the frame codec. */
export * from './schemas';
export * from './types';
export * from './codec';
