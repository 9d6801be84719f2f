export * from './common.v1.ts';
export * from './auth.v1.ts';
export * from './organizations.v1.ts';
export * from './register.v1.ts';
export * from './persons.v1.ts';
export * from './calls.v1.ts';
export * from './expenses.v1.ts';
export * from './accounting.v1.ts';
