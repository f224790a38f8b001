/** The statistics engine's public surface: one function a file, all re-exported here. */
export { StatsError } from "./stats-error";
export {
  fitLogistic,
  type LogisticDesign, type FitOptions, type LogisticFit, type TidyTerm, type TidyOptions, type GlanceRow,
  type CoefficientSummary, type Separation, type VcovType, type ClusterRobustOptions,
} from "./logistic-fit";
export { waldTest, type WaldTest, type WaldTestJoint, type Contrast } from "./wald-test";
export { likelihoodRatioTest, type LikelihoodRatioTest } from "./likelihood-ratio-test";
export { chiSquareHomogeneity, type ChiSquareTest } from "./chi-square-homogeneity";
export { fisherExact, type FisherExactTest } from "./fisher-exact";
export { wilsonInterval, type ProportionInterval } from "./wilson-interval";
export { wilsonIntervals, type ProportionIntervals } from "./wilson-intervals";
export { CR2_BELOW_CLUSTERS } from "./cluster-robust-vcov";
export { clopperPearsonInterval } from "./clopper-pearson-interval";
export { newcombeDifference } from "./newcombe-difference";
export { pairedClusterDifference, type PairedClusterDifference } from "./paired-cluster-difference";
export { adjustPValues, type PAdjustMethod } from "./adjust-p-values";
export { minimumDetectableEffect, type MinimumDetectableEffectOptions } from "./power";
export { equivalenceTest, type EquivalenceTest } from "./equivalence-test";
export { separationCheck, separationOnOneAxis, type SeparationCheck } from "./separation-check";
export { fitRandomInterceptLogistic } from "./glmm-random-intercept";
export type {
  RandomInterceptDesign, RandomInterceptOptions, RandomInterceptFit, RandomInterceptGlance, RandomEffectRow,
} from "./glmm-types";
export { gaussHermiteRule, type GaussHermiteRule } from "./gauss-hermite";
export { judgeAccuracy, type ValidationCounts, type JudgeAccuracy } from "./judge-accuracy";
export { judgeCorrectedRate, type JudgeCorrectedRate, type JudgeCorrectedRateOptions } from "./judge-corrected-rate";
export {
  fitMisclassifiedLogistic,
  type MisclassifiedLogisticDesign, type MisclassifiedFitOptions, type MisclassifiedLogisticFit, type MisclassifiedTerm,
} from "./misclassification-logistic-fit";
