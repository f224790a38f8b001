export { collect, buildReceipt, summaryText, API_KEY_VARIABLES, JUDGE_API_KEY_VARIABLES, type CollectOptions, type CollectSummary, type CollectFailure, type JudgeName, type ModelAnswer } from "./collect";
export { keywordJudge, parseWildguard, wildguardInput, REFUSAL_PATTERNS, KEYWORD_JUDGE_VERSION, WILDGUARD_INSTRUCTION, WILDGUARD_SAMPLING, type JudgeVerdict } from "./judges";
export { withRetry, backoffDelay, classifyError, DEFAULT_RETRY, BadResponseError, GaveUpError, FatalRequestError, type RetryPolicy, type ErrorClass } from "./retry";
export { ReceiptAppender, keyOfRecord, lockReceiptFile, type AppenderOptions, type OpenedReceiptFile } from "./writer";
export { progressWanted } from "./progress";
export { collectCommand, type CollectCommandOptions } from "./cli";
