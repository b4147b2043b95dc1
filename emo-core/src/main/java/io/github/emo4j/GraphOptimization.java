package io.github.emo4j;

/**
 * How much ONNX Runtime rewrites a pack's graphs before running them (its graph optimisation levels):
 * none, basic (constant folding, redundant nodes removed), extended (fused operators), or all
 * (layout changes too). More optimisation costs start-up time once; a model cache keeps the result.
 */
public enum GraphOptimization {
    /** the graphs as exported */
    NONE,
    /** constant folding and removal of redundant nodes */
    BASIC,
    /** basic, plus fused operators */
    EXTENDED,
    /** extended, plus memory layout changes: the default */
    ALL
}
