"""Stands in for the ops notification webhook and SMTP relay in the live check: records what
Alertmanager delivers, one JSON line per webhook call (DIR/webhook.jsonl) and one file per mail
(DIR/mail-N.eml). Minimal SMTP (EHLO, MAIL, RCPT, DATA, QUIT; no TLS, no auth): enough for
Alertmanager's client.

  python3 notification_sink.py HTTP_PORT SMTP_PORT DIR
"""
import http.server
import json
import os
import socketserver
import sys
import threading

HTTP_PORT, SMTP_PORT, DIR = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(DIR, exist_ok=True)
LOCK = threading.Lock()


class Webhook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with LOCK, open(os.path.join(DIR, "webhook.jsonl"), "a") as f:
            f.write(json.dumps({"path": self.path, "body": json.loads(body)}) + "\n")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class Smtp(socketserver.StreamRequestHandler):
    count = 0

    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline().decode(errors="replace").strip()
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while True:
                    l = self.rfile.readline()
                    if l in (b".\r\n", b".\n", b""):
                        break
                    data.append(l)
                with LOCK:
                    Smtp.count += 1
                    with open(os.path.join(DIR, f"mail-{Smtp.count}.eml"), "wb") as f:
                        f.writelines(data)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


smtp = ThreadingTCP(("127.0.0.1", SMTP_PORT), Smtp)
threading.Thread(target=smtp.serve_forever, daemon=True).start()
http.server.ThreadingHTTPServer(("127.0.0.1", HTTP_PORT), Webhook).serve_forever()
