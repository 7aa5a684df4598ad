package dev.tandem.jmh;

import dev.tandem.bench.SyntheticModels;
import dev.tandem.model.TreeEnsemble;
import dev.tandem.model.XgboostJson;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dmg.pmml.PMML;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.ModelEvaluatorBuilder;
import org.jpmml.xgboost.Learner;
import org.jpmml.xgboost.XGBoostUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One vector scored by an XGBoost model of 100 trees of depth 6 over 20 inputs (the size the
 * models issue names), with the compiled tree walker every mode uses: the model is written as
 * XGBoost writes its JSON and read by {@link XgboostJson}; vectors rotate through 1,024 prepared
 * ones (10 % of the values missing) so branch prediction cannot learn one path. Beside it, the
 * same model converted to PMML by JPMML-XGBoost and scored by the JPMML evaluator (pure Java too),
 * checked to give the same probabilities before it is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ScoringBenchmarks {
    static final int TREES = 100;
    static final int DEPTH = 6;
    static final int INPUTS = 20;

    private TreeEnsemble model;
    private Evaluator pmml;
    private float[][] vectors;
    private List<Map<String, Object>> pmmlArguments;
    private int next;

    @Setup
    public void setUp() throws Exception {
        Random random = new Random(27);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            names.add("x" + i);
        }
        byte[] json = SyntheticModels.xgboostJson(random, TREES, DEPTH, names);
        model = XgboostJson.read(json, "synthetic.json").ensemble();
        vectors = new float[1024][INPUTS];
        pmmlArguments = new ArrayList<>();
        for (float[] v : vectors) {
            Map<String, Object> arguments = new HashMap<>();
            for (int i = 0; i < INPUTS; i++) {
                v[i] = random.nextDouble() < 0.1 ? Float.NaN : (float) random.nextGaussian();
                arguments.put("x" + i, Float.isNaN(v[i]) ? null : v[i]);
            }
            pmmlArguments.add(arguments);
        }
        Learner learner = XGBoostUtil.loadLearner(new ByteArrayInputStream(json));
        PMML converted = learner.encodePMML(Map.of(), null, null, learner.encodeFeatureMap());
        pmml = new ModelEvaluatorBuilder(converted).build();
        pmml.verify();
        for (int i = 0; i < 100; i++) { // a comparison of two evaluators is only one when they agree
            double theirs = pmmlProbability(pmmlArguments.get(i));
            if (Math.abs(theirs - model.score(vectors[i])) > 1e-6) {
                throw new IllegalStateException("PMML scores vector " + i + " " + theirs + ", the walker " + model.score(vectors[i]));
            }
        }
    }

    @Benchmark
    public float scoreVector() {
        next = (next + 1) & 1023;
        return model.score(vectors[next]);
    }

    @Benchmark
    public double scoreVectorPmml() {
        next = (next + 1) & 1023;
        return pmmlProbability(pmmlArguments.get(next));
    }

    private double pmmlProbability(Map<String, Object> arguments) {
        Map<String, ?> results = pmml.evaluate(arguments);
        Object target = results.get(pmml.getTargetFields().get(0).getName());
        return ((org.jpmml.evaluator.HasProbability) target).getProbability(1);
    }
}
