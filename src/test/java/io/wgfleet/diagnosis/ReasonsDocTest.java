package io.wgfleet.diagnosis;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/reasons.md has one section per {@link Reason} constant, in catalogue order, and no other. */
class ReasonsDocTest {

    @Test
    void everyReasonHasExactlyOneSectionAndEverySectionNamesAReason() throws IOException {
        List<String> sections = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("docs/reasons.md"))) {
            if (line.startsWith("## ") && !line.startsWith("## How ")) {
                sections.add(line.substring(3).trim());
            }
        }
        List<String> reasons = Arrays.stream(Reason.values()).map(Reason::name).toList();
        assertThat(sections).as("sections of docs/reasons.md, in catalogue order").containsExactlyElementsOf(reasons);
    }

    @Test
    void everySectionSaysWhatProvesItHowToFixItAndWhichConditionsItSets() throws IOException {
        String doc = Files.readString(Path.of("docs/reasons.md"));
        for (Reason r : Reason.values()) {
            int start = doc.indexOf("\n## " + r.name() + "\n");
            assertThat(start).as("section %s", r).isNotNegative();
            int end = doc.indexOf("\n## ", start + 1);
            String section = doc.substring(start, end < 0 ? doc.length() : end);
            assertThat(section).as("section %s", r).contains("**Means:**", "**Evidence:**", "**Fix:**", "**Conditions:**");
        }
    }
}
