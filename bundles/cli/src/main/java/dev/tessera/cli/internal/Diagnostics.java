package dev.tessera.cli.internal;

import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * What is not running in the framework, in words: bundles that did not start and components that are not
 * satisfied or failed. Printed after a failed command, since a missing node type or command usually means a
 * bundle or component did not come up.
 */
final class Diagnostics {

    private Diagnostics() {
    }

    static List<String> problems(BundleContext context, ServiceComponentRuntime scr) {
        List<String> lines = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
            int state = bundle.getState();
            if (state == Bundle.INSTALLED || (!fragment && state == Bundle.RESOLVED)) {
                lines.add("bundle " + bundle.getSymbolicName() + " " + bundle.getVersion() + " is "
                        + (state == Bundle.INSTALLED ? "not resolved (a requirement is missing)" : "resolved but not started"));
            }
        }
        if (scr == null) {
            lines.add("no Declarative Services runtime (org.apache.felix.scr) is active: no node type or command can start");
            return lines;
        }
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            String who = "component " + description.name + " (" + description.bundle.symbolicName + ")";
            if (!scr.isComponentEnabled(description)) {
                if (description.defaultEnabled) lines.add(who + " is disabled");
                continue;
            }
            for (ComponentConfigurationDTO config : scr.getComponentConfigurationDTOs(description)) {
                switch (config.state) {
                    case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION ->
                            lines.add(who + " waits for its configuration " + String.join(", ", description.configurationPid));
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> {
                        for (UnsatisfiedReferenceDTO ref : config.unsatisfiedReferences) {
                            lines.add(who + " waits for a " + interfaceOf(description, ref.name) + " service (reference '"
                                    + ref.name + "'" + (ref.target == null ? "" : ", target " + ref.target) + ")");
                        }
                    }
                    case ComponentConfigurationDTO.FAILED_ACTIVATION ->
                            lines.add(who + " failed to activate: " + firstLine(config.failure));
                    default -> {
                    }
                }
            }
        }
        return lines;
    }

    private static String interfaceOf(ComponentDescriptionDTO description, String reference) {
        for (ReferenceDTO ref : description.references) {
            if (ref.name.equals(reference)) return ref.interfaceName;
        }
        return "?";
    }

    private static String firstLine(String text) {
        if (text == null) return "(no reason given)";
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
