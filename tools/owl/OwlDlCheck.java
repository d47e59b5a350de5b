// OWL 2 DL profile check with the OWL API (Debian's libowlapi-java), run as a
// single-file Java program: java -cp <owlapi and its dependencies> OwlDlCheck.java FILE...
//
// Why the OWL API: it is the reference implementation that Protege, ROBOT and the
// OWL reasoners use, so "OWL 2 DL" here means what those tools will accept.
// For each file it prints "== FILE", one line per profile violation (its kind first,
// then the offending axiom), and "violations N axioms M"; the exit code is the number
// of files with at least one violation (capped at 100), 101 when a file cannot be read.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDlCheck {
    public static void main(String[] args) {
        int failing = 0;
        for (String path : args) {
            System.out.println("== " + path);
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology;
            try {
                ontology = manager.loadOntologyFromOntologyDocument(new File(path));
            } catch (Exception error) {
                System.out.println("cannot read " + path + ": " + error.getMessage());
                System.exit(101);
                return;
            }
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            for (OWLProfileViolation violation : report.getViolations()) {
                System.out.println(violation.toString().replace('\n', ' '));
            }
            int count = report.getViolations().size();
            System.out.println("violations " + count + " axioms " + ontology.getAxiomCount());
            if (count > 0) failing++;
        }
        System.exit(Math.min(failing, 100));
    }
}
