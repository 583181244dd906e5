/**
 * The {@code tessera} command line as services: {@link dev.tessera.cli.CommandLine} runs a command line the way
 * the {@code tessera} launcher does; bundles add subcommands by registering {@link dev.tessera.cli.Command}
 * services, and may parse their arguments with {@link dev.tessera.cli.Arguments}.
 */
@Export
@Version("1.2.0")
package dev.tessera.cli;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
