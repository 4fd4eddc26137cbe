"""Every mutant of the zoo, gathered from the modules that define them.

`zoo.py` holds the first mutants; `zoo_twoway.py` and `zoo_oneway.py` hold the ones written for the
classes of broken syncs that once escaped the suite (two-way objects; one-way objects, settings and
the dashboard; `zoo_app_page.py`, the page inside the Shopify admin). Each module maps its mutants'
import names to the requirements they break (`MUTANTS`) and to the part of the suite that must catch them
(`SELECTIONS`).
"""

from __future__ import annotations

from tests.mutants import zoo, zoo_app_page, zoo_oneway, zoo_twoway

MUTANTS: dict[str, tuple[str, ...]] = {**zoo.MUTANTS, **zoo_twoway.MUTANTS, **zoo_oneway.MUTANTS,
                                        **zoo_app_page.MUTANTS}
SELECTIONS: dict[str, str] = {**zoo.SELECTIONS, **zoo_twoway.SELECTIONS, **zoo_oneway.SELECTIONS,
                              **zoo_app_page.SELECTIONS}
