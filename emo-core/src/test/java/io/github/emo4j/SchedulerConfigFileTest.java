package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler_config.json as diffusers saves it: Python's json module writes {@code -Infinity} for a
 * DPM++ scheduler's {@code lambda_min_clipped}, which emo4j refused as "bad number '-'".
 */
class SchedulerConfigFileTest {
    @TempDir
    Path dir;

    private static final String DPM = """
            {
              "_class_name": "DPMSolverMultistepScheduler",
              "_diffusers_version": "0.27.2",
              "algorithm_type": "dpmsolver++",
              "beta_end": 0.012,
              "beta_schedule": "scaled_linear",
              "beta_start": 0.00085,
              "dynamic_thresholding_ratio": 0.995,
              "euler_at_final": false,
              "lambda_min_clipped": -Infinity,
              "lower_order_final": true,
              "num_train_timesteps": 1000,
              "prediction_type": "epsilon",
              "sample_max_value": 1.0,
              "solver_order": 2,
              "solver_type": "midpoint",
              "steps_offset": 1,
              "thresholding": false,
              "timestep_spacing": "linspace",
              "trained_betas": null,
              "use_karras_sigmas": false,
              "variance_type": null
            }
            """;

    @Test
    void aDiffusersDpmConfigWithMinusInfinityIsRead() throws Exception {
        Path config = Files.writeString(dir.resolve("scheduler_config.json"), DPM);
        SamplingSchedule s = SamplingSchedule.of(config, 4);
        assertEquals(List.of(999.0, 749.0, 500.0, 250.0), s.timesteps());
    }

    @Test
    void aNonFiniteSettingThatIsUsedIsRefusedByName() throws Exception {
        Path config = Files.writeString(dir.resolve("scheduler_config.json"), DPM.replace("\"beta_start\": 0.00085", "\"beta_start\": NaN"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SamplingSchedule.of(config, 4));
        assertTrue(e.getMessage().contains("'beta_start' must be a finite number, not NaN"), e.getMessage());
    }
}
