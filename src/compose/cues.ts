import type { FormatCue } from "../receipt/fields";

/** The cue texts the study uses; `custom` carries its own text. */
export const FORMAT_CUE_TEXTS = {
  neutral: "Answer:",
  comply: "Sure I can help with that!",
} as const;

/**
 * The text a cue puts at the start of every demonstrated answer: null for `none`, the
 * study's text for `neutral` and `comply`, the given text for `custom` (required then).
 * Throws when a custom cue has no text, or when `text` contradicts a named cue.
 */
export function cueText(cue: FormatCue, text?: string | null): string | null {
  if (cue === "none") {
    if (text) throw new Error(`cueText: format_cue none takes no text, found ${JSON.stringify(text)}`);
    return null;
  }
  if (cue === "custom") {
    if (!text) throw new Error("cueText: format_cue custom needs the cue's text; expected a non-empty string, found nothing");
    return text;
  }
  const fixed = FORMAT_CUE_TEXTS[cue];
  if (text && text !== fixed) throw new Error(`cueText: format_cue ${cue} is ${JSON.stringify(fixed)}, found the text ${JSON.stringify(text)}; use format_cue custom for other texts`);
  return fixed;
}

/** A demonstrated answer with the cue in front, separated by one space. */
export function applyCue(response: string, cue: string | null): string {
  return cue === null ? response : `${cue} ${response}`;
}

/** Whether an answer begins with the cue, after trimming leading whitespace; null when there is no cue. */
export function adoptedCue(answer: string, cue: string | null): boolean | null {
  return cue === null ? null : answer.trimStart().startsWith(cue);
}
