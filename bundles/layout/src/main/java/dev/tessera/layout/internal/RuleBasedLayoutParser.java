package dev.tessera.layout.internal;

import dev.tessera.layout.Box;
import dev.tessera.layout.CoordinateConvention;
import dev.tessera.layout.Layout;
import dev.tessera.layout.LayoutParser;
import dev.tessera.layout.LayoutSource;
import dev.tessera.layout.ParseRequest;
import dev.tessera.layout.internal.PromptAnalysis.Mention;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The default prompt to layout parser: a small English grammar and a grid planner, no model, deterministic (the
 * same prompt and canvas always give the same layout). docs/layout.md describes its rules.
 */
@Component(service = LayoutParser.class, property = "tessera.layout.parser=" + PromptGrammar.FORMAT)
public final class RuleBasedLayoutParser implements LayoutParser {

    @Override
    public String id() {
        return PromptGrammar.FORMAT;
    }

    @Override
    public String displayName() {
        return "Rule-based (no model)";
    }

    @Override
    public Layout parse(ParseRequest request) {
        PromptAnalysis analysis = PromptGrammar.analyse(request.prompt());
        List<Box> boxes = LayoutPlanner.plan(analysis, request.width(), request.height());
        Layout.Builder layout = Layout.builder(request.prompt())
                .size(request.width(), request.height())
                .source(new LayoutSource(id(), CoordinateConvention.NORMALIZED));
        List<Mention> mentions = analysis.mentions();
        for (int i = 0; i < mentions.size(); i++) {
            layout.add(mentions.get(i).phrase(), boxes.get(i));
        }
        return layout.build();
    }

    /** The grammar's reading of a prompt, for tests and diagnostics. */
    static PromptAnalysis analyse(String prompt) {
        return PromptGrammar.analyse(prompt);
    }
}
