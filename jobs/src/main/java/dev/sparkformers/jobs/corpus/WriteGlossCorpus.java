package dev.sparkformers.jobs.corpus;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Command that writes the WordNet gloss sample corpus as JSON lines. */
@Command(
        name = "write-gloss-corpus",
        description = {
            "Writes a deterministic sample of WordNet 3.0 glosses as UTF-8 JSON lines"
                    + " {\"id\":...,\"text\":...,\"lexname\":...}, sorted by id.",
            "Glosses are ranked by the SHA-256 digest of their id. Each lexname contributes its"
                    + " lowest-ranked glosses first, and the lowest-ranked of the rest fill the remaining places."
        })
public final class WriteGlossCorpus implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean helpRequested;

    @Option(names = "--wordnet-dir", paramLabel = "DIR", defaultValue = "/usr/share/wordnet",
            description = "WordNet 3.0 database directory with data.noun, data.verb, data.adj and data.adv."
                    + " Its lexnames file is used when present, otherwise the copy in this jar. Default: ${DEFAULT-VALUE}.")
    private Path wordnetDir;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "JSON lines file to write. Missing parent directories are created and an existing file is replaced.")
    private Path out;

    @Option(names = "--size", paramLabel = "N", defaultValue = "" + GlossSample.DEFAULT_SIZE,
            description = "Number of glosses to write. Default: ${DEFAULT-VALUE}.")
    private int size;

    @Option(names = "--min-per-lexname", paramLabel = "N", defaultValue = "" + GlossSample.DEFAULT_MIN_PER_LEXNAME,
            description = "Glosses taken from each lexname before the rest are filled by rank, or all of a lexname"
                    + " that has fewer. Default: ${DEFAULT-VALUE}.")
    private int minPerLexname;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** Returns the command line with error handling that prints messages instead of stack traces. */
    static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new WriteGlossCorpus());
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof WordNetFormatException) {
                failed.getErr().println("error: " + exception.getMessage());
                failed.getErr().println("Check that --wordnet-dir points at an unmodified WordNet 3.0 database.");
                return 1;
            }
            if (exception instanceof IOException || exception instanceof IllegalArgumentException) {
                failed.getErr().println("error: " + exception.getMessage());
                return 1;
            }
            throw exception;
        });
        return commandLine;
    }

    @Override
    public Integer call() throws IOException {
        LexNames lexNames = LexNames.load(wordnetDir);
        List<WordNetGloss> glosses = WordNetGlosses.read(wordnetDir, lexNames);

        List<WordNetGloss> sample = GlossSample.select(glosses, size, minPerLexname);
        GlossCorpusFile.write(out, sample);

        long lexnameCount = sample.stream().map(WordNetGloss::lexname).distinct().count();
        spec.commandLine().getOut().printf("Wrote %d of %d glosses covering %d lexnames to %s (lexnames from %s)%n",
                sample.size(), glosses.size(), lexnameCount, out, lexNames.source());
        return 0;
    }
}
