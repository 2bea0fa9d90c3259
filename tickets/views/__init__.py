"""Pages, one module per audience and domain; `tickets/urls.py` names them all.

- `console`: the agents' queue and an incident's page (its forms post here too)
- `new_incident`: an agent raises an incident for somebody (phone, walk-in, chat), with the desk's
  judgement beside the form as they type
- `collaboration`: an open incident page's live poll (who else is on it, what changed) and leaving it
- `problems`: problems and known errors
- `contacts`: the contact list and merging two contacts
- `portal`: the customers' pages

Each view parses the request, calls one selector or service, and renders; the shapes they
share (a form posted to a service, a 404 for what a selector did not find) are in
`servicedesk/shortcuts.py`. The site's front door (`home`) is `servicedesk/views.py`.
"""
