export * from './errors.js';
export * from './common.js';
export * from './auth.js';
export * from './org.js';
export * from './alarms.js';
export * from './realtime.js';
export * from './routes.js';
export * from './agent.js';
