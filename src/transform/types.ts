// The shapes of transforms: parameter declarations, a transform family's definition, and a parsed, ready-to-apply transform.
import type { Image } from '../image/types.js';

/** A parameter's value as written in a transform spec. */
export type ParamValue = number | string | boolean;

/** Values of all of a transform's parameters, by name (every declared parameter present once parsed). */
export type ParamValues = Readonly<Record<string, ParamValue>>;

interface ParamBase {
  readonly name: string;
  readonly summary: string;
}

/** A number in [min, max]; `integer` restricts it to whole numbers. */
export interface NumberParam extends ParamBase {
  readonly kind: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
}

/** One of a fixed list of words. */
export interface ChoiceParam extends ParamBase {
  readonly kind: 'choice';
  readonly default: string;
  readonly choices: readonly string[];
}

/** `true` or `false`. */
export interface BooleanParam extends ParamBase {
  readonly kind: 'boolean';
  readonly default: boolean;
}

/** An opaque sRGB colour written as six hex digits, `rrggbb` (canonically lower case). */
export interface ColourParam extends ParamBase {
  readonly kind: 'colour';
  readonly default: string;
}

/** A short word: letters, digits, `_`, `.` and `-`. */
export interface TextParam extends ParamBase {
  readonly kind: 'text';
  readonly default: string;
  readonly maxLength: number;
}

export type ParamSpec = NumberParam | ChoiceParam | BooleanParam | ColourParam | TextParam;

/** A transform family: its name, its parameters in canonical order, and the pure function that applies it. */
export interface TransformDefinition {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  apply(image: Image, params: ParamValues, seed: number): Image | Promise<Image>;
}

/**
 * A transform with its parameters fixed, ready to apply: one family (`name` = the family, e.g. `jpeg`) or a chain of
 * steps (`name` = `chain`, `params` empty). `spec` is its canonical text, e.g. `resize(scale=0.5,restore=false)+jpeg(q=70)`.
 */
export interface Transform {
  readonly name: string;
  readonly params: ParamValues;
  readonly spec: string;
  /** The single-family steps applied in order: `[this]` for a single transform. */
  readonly steps: readonly Transform[];
  /** Applies the transform; the same image, parameters and seed always give the same bytes. The input is not modified. */
  apply(image: Image, seed: number): Promise<Image>;
}

/**
 * Declares a family with a typed parameter object. The spec parser fills in and checks every declared parameter
 * before `apply` is called, so the values arrive with the types their declarations promise.
 */
export function defineTransform<P>(definition: {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly ParamSpec[];
  apply(image: Image, params: P, seed: number): Image | Promise<Image>;
}): TransformDefinition {
  return {
    name: definition.name,
    summary: definition.summary,
    params: definition.params,
    apply: (image, params, seed) => definition.apply(image, params as unknown as P, seed),
  };
}
