package dev.correlator.scenario;

import java.util.List;

/** What a scenario file yielded: the well-formed records in file order, and one error per malformed line. */
public record ParsedScenario(List<ScenarioRecord> records, List<ScenarioError> errors) {

    public ParsedScenario {
        records = List.copyOf(records);
        errors = List.copyOf(errors);
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }
}
