package dev.tessera.conformance.runner;

import java.nio.file.Path;

/**
 * One case file of a pack.
 *
 * @param family the top-level folder it lies in
 * @param id its pack-relative path with {@code /} separators (starts with the family), as reports name it
 * @param file the file itself
 */
public record PackCase(String family, String id, Path file) {}
