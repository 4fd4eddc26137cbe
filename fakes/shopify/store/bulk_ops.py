"""GraphQL bulk operations: started, polled, cancelled, finished as the clock runs."""

from __future__ import annotations

from collections.abc import Callable

from fakes.shopify.bulk import BulkOperation, JsonlWriter
from fakes.shopify.errors import NotFound
from fakes.shopify.store.core import StoreCore
from fakes.shopify.store.records import AccessToken, Shop


class BulkOperations(StoreCore):
    """GraphQL bulk operations: started, polled, cancelled, finished as the clock runs."""

    def start_bulk_query(self, grant: AccessToken, version: str, query: str,
                         step: Callable[[JsonlWriter], tuple[int, bool]], taken: tuple[JsonlWriter, tuple[int, bool]],
                         limit: int) -> BulkOperation:
        """Record an export: the step that takes its rows a chunk at a time, and the first chunk `taken` (see
        `BulkOperation.export`); ValueError naming the operation in progress when the app already runs `limit`
        of them in this shop."""
        with self.lock:
            self.settle_bulk()
            shop = self.shop(grant.shop)
            running = [op for op in shop.bulk_operations.values() if op.app == grant.app and op.running()]
            if len(running) >= limit:
                raise ValueError(running[-1].gid)
            now = self.now()
            operation = BulkOperation(self.next_id(), grant.app, query, version, now, now)
            operation.export(step, *taken)
            shop.bulk_operations[operation.id] = operation
            return operation

    def finish_exports(self) -> None:
        """Take every running export's remaining rows now (a snapshot holds finished exports)."""
        with self.lock:
            now = self.now()
            for shop in self.shops.values():
                for operation in shop.bulk_operations.values():
                    operation.take_rows(now, everything=True)

    def bulk_operation(self, grant: AccessToken, operation_id: int | None) -> BulkOperation | None:
        """One of the app's operations in its shop, brought up to the clock."""
        with self.lock:
            self.settle_bulk()
            found = self.shop(grant.shop).bulk_operations.get(operation_id or -1)
            return found if found is not None and found.app == grant.app else None

    def bulk_operations_of(self, grant: AccessToken) -> list[BulkOperation]:
        """The app's operations in its shop, oldest first."""
        with self.lock:
            self.settle_bulk()
            return [op for op in self.shop(grant.shop).bulk_operations.values() if op.app == grant.app]

    def cancel_bulk_operation(self, grant: AccessToken, operation_id: int) -> BulkOperation:
        """Ask a running operation to stop (CANCELING, then CANCELED); ValueError when it has ended."""
        with self.lock:
            operation = self.bulk_operation(grant, operation_id)
            if operation is None:
                raise NotFound()
            if not operation.running():
                raise ValueError(operation.status)
            if operation.status != "CANCELING":
                operation.cancel(self.now())
            return operation

    def fail_bulk_operation(self, shop_name: str, operation_id: int, error_code: str = "INTERNAL_SERVER_ERROR") -> None:
        """Harness: a running operation fails now (FAILED with `error_code`; its finish webhook follows)."""
        with self.lock:
            self.settle_bulk()
            operation = self.shop(shop_name).bulk_operations.get(operation_id)
            if operation is None:
                raise NotFound()
            if operation.running():
                operation.fail(self.now(), error_code)
            self._finish_bulk(self.shop(shop_name), operation)

    def settle_bulk(self) -> None:
        """Bring every bulk operation up to the clock, firing `bulk_operations/finish` for those that ended."""
        now = self.now()
        with self.lock:
            for shop in self.shops.values():
                for operation in list(shop.bulk_operations.values()):
                    operation.settle(now)
                    self._finish_bulk(shop, operation)

    def _finish_bulk(self, shop: Shop, operation: BulkOperation) -> None:
        if operation.finish_sent or operation.running():
            return
        operation.finish_sent = True
        self._emit(shop, "bulk_operations/finish", operation.finish_payload(), only_app=operation.app)
