"""The conventions every endpoint under /api/v1/ shares, whichever app it lives in.

One error format (`errors`), one JSON parser with a size limit (`parsers`), keyset cursor
pagination (`pagination`), per-token throttling (`throttling`), ETags and preconditions
(`views`), strict input serializers (`serializers`) and the schema generator that documents
all of it (`schema`). `REST_FRAMEWORK` in the settings wires them in as defaults; an app
adds endpoints by subclassing `views.ServiceDeskAPIView` and declaring its orderings.

This package imports no app of the project, so any app (tickets, social, feedback) can
import it without a cycle.
"""
