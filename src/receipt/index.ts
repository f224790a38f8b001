export * from "./fields";
export type { Receipt, ReceiptInput } from "./types";
export { receiptKey, KEY_FIELDS, type KeyParts } from "./key";
export { validateRecord, type ValidateOptions, type RecordLocation } from "./validate";
export { formatIssue, ReceiptValidationError, type ValidationIssue } from "./issues";
export { receiptJsonSchema, fieldGlossaryMarkdown } from "./describe";
