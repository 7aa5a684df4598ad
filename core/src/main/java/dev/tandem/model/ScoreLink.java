package dev.tandem.model;

import java.util.Locale;

/**
 * What turns a tree ensemble's margin into its score, and its base score into a margin, per
 * XGBoost objective (float32 arithmetic, as XGBoost's own predictor).
 */
public enum ScoreLink {
    /** Probabilities: {@code binary:logistic}, {@code reg:logistic}. */
    LOGISTIC,
    /** The margin as it is, from a base score given as a probability: {@code binary:logitraw}. */
    LOGIT_RAW,
    /** The margin as it is: squared, absolute and pseudo-Huber error regression. */
    IDENTITY,
    /** {@code exp(margin)}: Poisson, gamma and Tweedie regression. */
    EXP;

    /** The link of an XGBoost objective; a clear refusal for the others (ranking, multi-class, survival). */
    static ScoreLink ofObjective(String objective) {
        return switch (objective.toLowerCase(Locale.ROOT)) {
            case "binary:logistic", "reg:logistic" -> LOGISTIC;
            case "binary:logitraw" -> LOGIT_RAW;
            case "reg:squarederror", "reg:linear", "reg:absoluteerror", "reg:pseudohubererror" -> IDENTITY;
            case "count:poisson", "reg:gamma", "reg:tweedie" -> EXP;
            default -> throw new IllegalArgumentException("objective '" + objective
                    + "' is not supported (binary:logistic, reg:logistic, binary:logitraw, reg:squarederror, reg:absoluteerror,"
                    + " reg:pseudohubererror, count:poisson, reg:gamma, reg:tweedie are)");
        };
    }

    /** The margin every tree's leaves are added to, from the model's {@code base_score}. */
    float baseMargin(float baseScore) {
        return switch (this) {
            case LOGISTIC, LOGIT_RAW -> (float) -Math.log(1.0f / baseScore - 1.0f);
            case IDENTITY -> baseScore;
            case EXP -> (float) Math.log(baseScore);
        };
    }

    /** The score of a margin. The sigmoid is XGBoost's: its exponent capped at 88.7 so it never overflows. */
    public float apply(float margin) {
        return switch (this) {
            case LOGISTIC -> 1.0f / ((float) Math.exp(Math.min(-margin, 88.7f)) + 1.0f + 1e-16f);
            case LOGIT_RAW, IDENTITY -> margin;
            case EXP -> (float) Math.exp(margin);
        };
    }
}
