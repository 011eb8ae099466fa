import com.bankops.bank.app.EmbeddedDatabase;
import java.nio.file.Path;

/**
 * Holds an embedded PostgreSQL for bench/bank-startup.sh: starts it on the given data directory and
 * port, prints its URL, and keeps it up until stdin closes (the script's lifetime).
 * Run with the source launcher: java -cp bank-all.jar bench/StartupDatabase.java DIR PORT
 */
public final class StartupDatabase {
  public static void main(String[] args) throws Exception {
    try (EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]), Integer.parseInt(args[1]))) {
      System.out.println(db.url());
      System.out.flush();
      // block until the script closes our stdin (or dies)
      while (System.in.read() >= 0) {
        // discard
      }
    }
  }
}
