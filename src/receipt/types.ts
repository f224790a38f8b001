/**
 * TypeScript types derived from the one declaration in `fields.ts`, so the compiler keeps
 * the types and the runtime schema from drifting apart.
 */
import type { FieldKind, RECEIPT_FIELDS } from "./fields";

type Spec = (typeof RECEIPT_FIELDS)[number];

type ValueOf<F extends Spec> = F extends { kind: "enum"; values: readonly (infer V)[] }
  ? V
  : KindValue<F["kind"]>;

type KindValue<K extends FieldKind> = K extends "integer" | "number"
  ? number
  : K extends "boolean"
    ? boolean
    : K extends "string_list"
      ? string[]
      : string;

type RequiredSpec = Extract<Spec, { required: true }>;
type DefaultedSpec = Extract<Spec, { default: string | number | boolean }>;
type DerivedSpec = Extract<Spec, { derived: true }>;

/**
 * One validated receipt, as the kit holds it after loading: required and defaulted fields
 * are always present; optional fields are `null` when absent; derived fields are computed.
 */
export type Receipt = {
  [F in Spec as F["name"]]: F extends RequiredSpec | DefaultedSpec
    ? ValueOf<F>
    : F["name"] extends "n_total" | "receipt_key"
      ? ValueOf<F>
      : ValueOf<F> | null;
};

/**
 * A receipt as a user or collector writes it: required fields present, everything else
 * optional; derived fields may be omitted (they are recomputed on load).
 */
export type ReceiptInput = {
  [F in Exclude<Spec, DerivedSpec> as F extends RequiredSpec ? F["name"] : never]: ValueOf<F>;
} & {
  [F in Exclude<Spec, DerivedSpec> as F extends RequiredSpec ? never : F["name"]]?: ValueOf<F> | null;
} & {
  [F in DerivedSpec as F["name"]]?: ValueOf<F> | null;
};
