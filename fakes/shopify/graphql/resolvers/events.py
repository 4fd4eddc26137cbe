"""How a GraphQL poller learns of deletions: `events(query: "subject_type:PRODUCT AND action:destroy")` and
`deletionEvents(subjectTypes: [PRODUCT])`, from the same event records as REST's `events.json`."""

from __future__ import annotations

from typing import Any

from fakes.shopify.graphql.resolvers import resolves
from fakes.shopify.graphql.resolvers.common import connection, context, gid, iso
from fakes.shopify.graphql.search import Term, Warn, match_id, match_time
from fakes.shopify.models import Event

resolves("BasicEvent", Event)({
    "id": lambda e, _i: gid("BasicEvent", e.id),
    "action": lambda e, _i: e.verb,
    "message": lambda e, _i: e.message,
    "createdAt": lambda e, _i: iso(e.created_at),
    "subjectId": lambda e, _i: gid(e.subject_type, e.subject_id),
    "subjectType": lambda e, _i: e.subject_type.upper(),
    "appTitle": lambda e, _i: None,
    "attributeToApp": lambda e, _i: False,
    "attributeToUser": lambda e, _i: True,
    "criticalAlert": lambda e, _i: False,
    "author": lambda e, _i: "Shopify",
    "arguments": lambda e, _i: list(e.arguments),
    "hasAdditionalContent": lambda e, _i: False,
    "additionalContent": lambda e, _i: None,
    "additionalData": lambda e, _i: None,
    "secondaryMessage": lambda e, _i: None,
})


def _event_field(event: Event, term: Term, warn: Warn) -> bool | None:
    name = term.field
    if name == "id":
        return match_id(event.id, term, warn)
    if name == "created_at":
        return match_time(event.created_at, term, warn)
    if name == "subject_type":
        return event.subject_type.lower() == term.value.lower().replace("_", "")
    if name in ("action", "verb"):
        return event.verb.lower() == term.value.lower()
    if name == "subject_id":
        return match_id(event.subject_id, term, warn)
    return None


def _events(_root: Any, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
            before: str | None = None, reverse: bool = False, sortKey: str = "ID",
            query: str | None = None) -> dict[str, Any]:
    sort_field = "created_at" if sortKey == "CREATED_AT" else "id"
    return connection(info, list(context(info).shop.events),
                      sort_value=lambda e: e.created_at if sort_field == "created_at" else e.id,
                      sort_field=sort_field, reverse=reverse, first=first, after=after, last=last, before=before,
                      query=query, field_match=_event_field, texts=lambda e: [e.message])


class _Deletion:
    """A DeletionEvent: one destroyed product (or collection)."""

    def __init__(self, event: Event) -> None:
        self.id = event.id
        self.event = event


resolves("DeletionEvent", _Deletion)({
    "occurredAt": lambda d, _i: iso(d.event.created_at),
    "subjectId": lambda d, _i: gid(d.event.subject_type, d.event.subject_id),
    "subjectType": lambda d, _i: d.event.subject_type.upper(),
})


def _deletion_field(deletion: _Deletion, term: Term, warn: Warn) -> bool | None:
    if term.field in ("occurred_at", "created_at"):
        return match_time(deletion.event.created_at, term, warn)
    if term.field == "id":
        return match_id(deletion.id, term, warn)
    return None


def _deletion_events(_root: Any, info: Any, first: int | None = None, after: str | None = None,
                     last: int | None = None, before: str | None = None, reverse: bool = False,
                     sortKey: str = "ID", query: str | None = None,
                     subjectTypes: list[str] | None = None) -> dict[str, Any]:
    kinds = {k.lower() for k in subjectTypes or ("PRODUCT", "COLLECTION")}
    deletions = [_Deletion(e) for e in context(info).shop.events
                 if e.verb == "destroy" and e.subject_type.lower() in kinds]
    sort_field = "created_at" if sortKey == "CREATED_AT" else "id"
    return connection(info, deletions, sort_value=lambda d: d.event.created_at if sort_field == "created_at" else d.id,
                      sort_field=sort_field, reverse=reverse, first=first, after=after, last=last, before=before,
                      query=query, field_match=_deletion_field)


resolves("QueryRoot")({"events": _events, "deletionEvents": _deletion_events})
