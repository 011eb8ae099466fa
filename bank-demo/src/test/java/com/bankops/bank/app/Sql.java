package com.bankops.bank.app;

import com.bankops.bank.store.DbTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the database straight over JDBC, so tests check what was stored, not what was said. */
final class Sql {
  private Sql() {}

  static long queryLong(DbTarget db, String sql, Object... params) {
    List<String> rows = queryStrings(db, sql, params);
    return rows.isEmpty() || rows.get(0) == null ? 0 : Long.parseLong(rows.get(0));
  }

  static List<String> queryStrings(DbTarget db, String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        if (params[i] instanceof List) {
          st.setArray(i + 1, c.createArrayOf("text", ((List<?>) params[i]).toArray()));
        } else {
          st.setObject(i + 1, params[i]);
        }
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
