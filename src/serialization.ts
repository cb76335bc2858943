// The class registry, TF.js's tf.serialization: model files name each layer by its class name, and loading
// finds the class here. Built-in layers register themselves; users register their Layer subclasses.

import { describe } from './validate.js';

/** A class that model files can name: a static className and a static fromConfig (TF.js's SerializableConstructor). */
export interface SerializableClass {
  className: string;
  fromConfig(cls: SerializableClass, config: Record<string, unknown>): unknown;
  new (config: Record<string, unknown>): unknown;
}

const registry = new Map<string, SerializableClass>();

/**
 * Registers a class under its static className, so that loadLayersModel can make it from a saved config.
 * @example class MyLayer extends tf.layers.Layer { static className = 'MyLayer'; ... }
 * tf.serialization.registerClass(MyLayer);
 */
export function registerClass<T extends SerializableClass>(cls: T): T {
  if (typeof cls !== 'function') throw new Error(`registerClass: cls must be a class, got ${describe(cls)}`);
  const name = (cls as { className?: unknown }).className;
  if (typeof name !== 'string' || name === '') throw new Error(`registerClass: class ${cls.name || '(anonymous)'} must have a static className, a non-empty string, got ${describe(name)}`);
  if (typeof cls.fromConfig !== 'function') throw new Error(`registerClass: class ${name} must have a static fromConfig (a Layer subclass inherits one)`);
  registry.set(name, cls);
  return cls;
}

/** @internal The class registered under a name, if any. */
export function registeredClass(name: string): SerializableClass | undefined {
  return registry.get(name);
}

/** @internal Every registered class name, for messages. */
export function registeredNames(): string[] {
  return [...registry.keys()];
}

export const serialization = { registerClass };
