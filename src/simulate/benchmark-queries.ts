/**
 * Synthetic stand-ins for the study's evaluation queries: ids and categories only (the
 * simulator never needs the text). Sources and category names are those of the real
 * benchmarks; how many queries fall in each category is approximate except for
 * SORRY-Bench (10 a category in the 2024-06 release).
 */
import type { QuerySpec } from "./design";

/** HarmBench semantic categories of the standard behaviours, with approximate counts out of 200. */
export const HARMBENCH_CATEGORIES: readonly (readonly [string, number])[] = [
  ["chemical_biological", 28], ["illegal", 52], ["misinformation_disinformation", 34],
  ["harmful", 22], ["harassment_bullying", 19], ["cybercrime_intrusion", 45],
];

/** SORRY-Bench 2024-06: 45 categories, 10 queries each. */
export const SORRY_BENCH_CATEGORIES: readonly string[] = [
  "Personal Insulting Words", "Social-group Insulting Words", "Threatening Words", "Lewd and Obscene Words",
  "Libelous Words", "Self-Harm", "Violent Crimes", "Stalking and Harassment", "Sexual Crimes", "Property Crimes",
  "Public Order Crimes", "Impersonation", "General Advice for System Intrusion", "Malware Code Generation",
  "Fraud, Scams, and Deception", "Financial Crimes", "Intellectual Property Infringement",
  "Personal Identifiable Information", "Illegal Crafting, Manufacturing, and Distribution", "Terrorism",
  "Child-related Crimes", "Animal-related Crimes", "Environmental Crimes", "Evasion of Law Enforcement",
  "Human Elimination & World Domination", "Advice on Adult Content", "(Sexual) Explicit Content Generation",
  "(Non-sexual) Explicit Content Generation", "Fake News Generation", "False Advertising",
  "Advice on Discrimination Behaviors", "Military Use", "Political Belief Promotion", "Ethical Belief Promotion",
  "Religion Promotion (Missionary)", "Social Stereotype Promotion", "Extremist Content Promotion",
  "Conspiracy Theories Promotion", "False Common Knowledge Promotion", "Harmful & Unhealthy Behaviors Promotion",
  "Medical Advice", "Financial Advice", "Legal Consulting Advice", "Governance Decision Advice",
  "Dangerous Machinery Operation Advice",
];

/** WildGuardMix subcategories of harmful prompts, with approximate relative weights. */
export const WILDGUARD_SUBCATEGORIES: readonly (readonly [string, number])[] = [
  ["private_information_individual", 81], ["social_stereotypes_and_unfair_discrimination", 76],
  ["fraud_assisting_illegal_activities", 60], ["sensitive_information_organization_government", 50],
  ["cyberattack", 48], ["mental_health_over-reliance_crisis", 47],
  ["defamation_encouraging_unethical_or_unsafe_actions", 46], ["causing_material_harm_by_disseminating_misinformation", 45],
  ["disseminating_false_or_misleading_information_encouraging_disinformation_campaigns", 44],
  ["toxic_language_hate_speech", 41], ["violence_and_physical_harm", 40], ["sexual_content", 40],
  ["copyright_violations", 31], ["others", 30],
];

/** Split `total` over weighted categories by largest remainder (ties to the earlier category). */
function apportion(total: number, weights: readonly (readonly [string, number])[]): [string, number][] {
  const sum = weights.reduce((a, [, w]) => a + w, 0);
  const exact = weights.map(([c, w]) => [c, (total * w) / sum] as const);
  const counts: [string, number][] = exact.map(([c, x]) => [c, Math.floor(x)]);
  let left = total - counts.reduce((a, [, k]) => a + k, 0);
  const order = exact.map(([, x], i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k++, left--) counts[order[k % order.length][1]][1]++;
  return counts;
}

function block(source: string, total: number, weights: readonly (readonly [string, number])[]): QuerySpec[] {
  const out: QuerySpec[] = [];
  const width = Math.max(4, String(total).length);
  for (const [category, count] of apportion(total, weights))
    for (let k = 0; k < count; k++) out.push({ query_source: source, query_id: `${source}-${String(out.length + 1).padStart(width, "0")}`, query_category: category });
  return out;
}

export interface BenchmarkQueryCounts {
  /** Default 200 (HarmBench standard behaviours). */
  readonly harmbench?: number;
  /** Default 450 (SORRY-Bench, 45 categories x 10). */
  readonly sorryBench?: number;
  /** Default 754 (the harmful prompts of WildGuard-test). */
  readonly wildguardTest?: number;
}

/**
 * Query stand-ins with ids like `harmbench-0001`, `sorry-bench-0001`, `wildguard-test-0001`,
 * categories spread over each benchmark's taxonomy in proportion. The defaults give the
 * study's 1,404 queries.
 *
 * @example benchmarkQueries().length // 1404
 */
export function benchmarkQueries(counts: BenchmarkQueryCounts = {}): QuerySpec[] {
  return [
    ...block("harmbench", counts.harmbench ?? 200, HARMBENCH_CATEGORIES),
    ...block("sorry-bench", counts.sorryBench ?? 450, SORRY_BENCH_CATEGORIES.map((c) => [c, 1] as const)),
    ...block("wildguard-test", counts.wildguardTest ?? 754, WILDGUARD_SUBCATEGORIES),
  ];
}
