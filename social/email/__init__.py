"""E-mail: raw RFC 5322 messages in, from a mail server's pipe or a provider's raw-MIME
forwarding (`views`, authenticated by a bearer token) and from an IMAP mailbox (`poll`); read
by the standard library's `email` package (`inbound`: charsets, transfer encodings, HTML made
text and quoted text trimmed by `text`, auto-replies and bounces told apart by `loops`);
answers sent through Django's e-mail backend, threaded (`outbound`). `platform` is e-mail's
side of the platform contract (`social.platforms`)."""

CHANNEL = "email"
