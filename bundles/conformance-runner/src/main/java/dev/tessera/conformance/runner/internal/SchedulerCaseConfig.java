package dev.tessera.conformance.runner.internal;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.tessera.sampling.diffusers.DiffusersSchedulerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The diffusers scheduler config a case was generated with: the JSON in its metadata ({@code config} for
 * scheduler cases, {@code scheduler} for pipeline cases). The pack's Euler-ancestral case records none; its file
 * name ({@code euler_ancestral_<spacing>_<steps>}) and the SD1.x training config of the pack's other cases stand
 * in, and the case's own timesteps and sigmas, compared by the family, confirm the assumption.
 *
 * @param config the config
 * @param assumption how the config was inferred, or null when the case records it
 */
record SchedulerCaseConfig(DiffusersSchedulerConfig config, String assumption) {

    private static final Pattern ANCESTRAL = Pattern.compile("euler_ancestral_(leading|trailing|linspace)_\\d+.*");

    /**
     * Reads the config of the case {@code fileName} from its {@code metadata}.
     *
     * @throws IllegalArgumentException naming the metadata key when the config is absent, not JSON, or not one
     *     {@link DiffusersSchedulerConfig} accepts
     */
    static SchedulerCaseConfig read(String fileName, Map<String, String> metadata) {
        for (String key : new String[] {"config", "scheduler"}) {
            if (metadata.containsKey(key)) {
                return new SchedulerCaseConfig(parse(key, metadata.get(key)), null);
            }
        }
        Matcher m = ANCESTRAL.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("no scheduler config in the metadata (key 'config' or 'scheduler';"
                    + " the metadata has " + metadata.keySet() + ")");
        }
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("class", "EulerAncestralDiscreteScheduler");
        sd.put("num_train_timesteps", 1000);
        sd.put("beta_start", 0.00085);
        sd.put("beta_end", 0.012);
        sd.put("beta_schedule", "scaled_linear");
        sd.put("steps_offset", 1);
        sd.put("prediction_type", "epsilon");
        sd.put("timestep_spacing", m.group(1));
        return new SchedulerCaseConfig(DiffusersSchedulerConfig.of(sd),
                "no config in metadata: SD1.x EulerAncestralDiscreteScheduler with " + m.group(1)
                        + " spacing assumed from the file name");
    }

    private static DiffusersSchedulerConfig parse(String key, String json) {
        Map<?, ?> raw;
        try {
            raw = new Gson().fromJson(json, Map.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("metadata '" + key + "' is not a JSON object: " + e.getMessage(), e);
        }
        if (raw == null) {
            throw new IllegalArgumentException("metadata '" + key + "' is empty");
        }
        Map<String, Object> config = new LinkedHashMap<>();
        raw.forEach((k, v) -> config.put(String.valueOf(k), v));
        try {
            return DiffusersSchedulerConfig.of(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata '" + key + "': " + e.getMessage(), e);
        }
    }
}
