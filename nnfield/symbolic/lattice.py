"""Translation-invariant energies on a periodic one-dimensional lattice.

A lattice model is the energy of one site ``l`` of a ring of ``L`` sites, written with
indexed fields such as ``r[l]`` and ``r[l - 1]``. The total energy is

.. math:: H = \\sum_{l=0}^{L-1} E_l(\\{\\phi_a[l + \\delta]\\}),

with the same site energy at every site (translation invariance) and couplings at a finite
set of offsets :math:`\\delta`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["LatticeModel", "lattice_model", "open_chain_energy"]


@dataclass(frozen=True)
class LatticeModel:
    """A translation-invariant site energy on a ring.

    Attributes
    ----------
    energy : sympy.Expr
        The energy :math:`E_l` of site ``l``.
    fields : tuple of sympy.IndexedBase
        The real fields, in a fixed order (the order of every vector and matrix below).
    site : sympy.Symbol
        The site index ``l``.
    offsets : tuple of int
        The offsets :math:`\\delta` at which ``energy`` refers to the fields, sorted.
    uniform : tuple of sympy.Symbol
        One symbol per field for the uniform configuration, carrying the field's assumptions.

    Use :func:`lattice_model` to build one; it checks the energy.
    """

    energy: sp.Expr
    fields: tuple[sp.IndexedBase, ...]
    site: sp.Symbol
    offsets: tuple[int, ...]
    uniform: tuple[sp.Symbol, ...]

    def field_at(self, field_index: int, offset: int) -> sp.Indexed:
        """The field ``fields[field_index]`` at site ``l + offset``."""
        return self.fields[field_index][self.site + offset]

    def uniform_energy(self) -> sp.Expr:
        """The site energy on the uniform configuration :math:`\\phi_a[l+\\delta] = \\phi_a`.

        Examples
        --------
        >>> import sympy as sp
        >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
        >>> lattice_model((x[l] - x[l - 1])**2 + x[l]**2, [x], l).uniform_energy()
        x**2
        """
        return self.energy.xreplace(self.uniform_substitution())

    def uniform_substitution(self) -> dict:
        """``{field at site l + delta: uniform symbol}`` for every field and offset."""
        return {
            self.field_at(a, delta): self.uniform[a]
            for a in range(len(self.fields))
            for delta in self.offsets
        }

    def _repr_latex_(self) -> str:
        return f"$E_{{{sp.latex(self.site)}}} = {sp.latex(self.energy)}$"


def lattice_model(energy, fields, site) -> LatticeModel:
    """Build a lattice model from the energy of one site, checking it.

    Parameters
    ----------
    energy : sympy.Expr
        The energy of site ``site``, written with the indexed ``fields`` at ``site + delta``
        for integer offsets ``delta``.
    fields : sequence of sympy.IndexedBase
        The fields of the model. Their assumptions (``positive=True``, ``real=True``) carry
        over to the uniform configuration.
    site : sympy.Symbol
        The site index. It may appear only inside field indices, as ``site + integer``.

    Returns
    -------
    LatticeModel

    Raises
    ------
    TypeError
        If ``energy`` is not a SymPy expression, a field is not an ``IndexedBase`` or ``site``
        is not a ``Symbol``.
    ValueError
        If the energy refers to a field not in ``fields``, indexes a field with anything but
        ``site + integer`` (the energy would not be the same at every site), uses ``site``
        outside an index, or refers to no field at all.

    Examples
    --------
    A two-field chain with a next-nearest-neighbour coupling:

    >>> import sympy as sp
    >>> u, v = sp.IndexedBase("u", real=True), sp.IndexedBase("v", real=True)
    >>> l = sp.Symbol("l", integer=True)
    >>> model = lattice_model(u[l]**2 + v[l]**2 - u[l] * v[l - 2] / 3, [u, v], l)
    >>> model.offsets
    (-2, 0)

    An energy that is different at every site is refused:

    >>> lattice_model(l * u[l]**2, [u], l)
    Traceback (most recent call last):
    ...
    ValueError: the site index l appears outside a field index in l*u[l]**2, so the energy is not the same at every site; write the site energy with l only inside indices such as u[l - 1]
    """
    if not isinstance(energy, sp.Expr):
        raise TypeError(f"energy must be a SymPy expression; got {type(energy).__name__}")
    if not isinstance(site, sp.Symbol):
        raise TypeError(f"site must be a SymPy Symbol such as Symbol('l', integer=True); got {site!r}")
    fields = tuple(fields)
    if not fields:
        raise ValueError("fields is empty; name at least one IndexedBase field")
    for field in fields:
        if not isinstance(field, sp.IndexedBase):
            raise TypeError(f"each field must be a sympy.IndexedBase; got {field!r}")
    known = {field.label: field for field in fields}

    offsets = set()
    indexed_terms = energy.atoms(sp.Indexed)
    for term in indexed_terms:
        if term.base.label not in known:
            names = ", ".join(str(name) for name in known)
            raise ValueError(
                f"the energy refers to the unknown field {term.base} (in {term}); "
                f"the model's fields are: {names}"
            )
        if len(term.indices) != 1:
            raise ValueError(f"{term} has {len(term.indices)} indices; a lattice field takes one site index")
        offset = sp.expand(term.indices[0] - site)
        if not (offset.is_Integer):
            raise ValueError(
                f"the field {term} is indexed by {term.indices[0]}, not by {site} plus an integer, "
                f"so the energy is not the same at every site; write it as "
                f"{term.base}[{site} + k] with an integer k"
            )
        offsets.add(int(offset))
    if not offsets:
        raise ValueError(f"the energy {energy} refers to none of the fields; write it with e.g. {fields[0]}[{site}]")

    outside = energy.xreplace({term: sp.Dummy() for term in indexed_terms})
    if site in outside.free_symbols:
        raise ValueError(
            f"the site index {site} appears outside a field index in {energy}, so the energy is not "
            f"the same at every site; write the site energy with {site} only inside indices such as "
            f"{fields[0]}[{site} - 1]"
        )

    labels = {str(field.label) for field in fields}
    clashes = sorted(str(symbol) for symbol in outside.free_symbols if str(symbol) in labels)
    if clashes:
        raise ValueError(
            f"the parameter(s) {', '.join(clashes)} share their name with a field; the uniform value of a field is "
            f"written with the field's name, so the two would be confused: rename the parameter (e.g. "
            f"{clashes[0]}_0) or the field"
        )
    uniform = tuple(
        sp.Symbol(str(field.label), **_assumptions(field)) for field in fields
    )
    return LatticeModel(
        energy=energy,
        fields=fields,
        site=site,
        offsets=tuple(sorted(offsets)),
        uniform=uniform,
    )


def open_chain_energy(energy, site, first: int, last: int) -> sp.Expr:
    """The energy of an open chain: the site energy summed over ``site = first .. last``.

    Fields at sites before ``first`` are the chain's fixed boundary (a network's input); unlike a ring,
    shifting a term along the chain changes the energy at its ends, so statements about a network of
    finitely many layers are compared here, not on a ring.

    Examples
    --------
    >>> x, l = sp.IndexedBase("x"), sp.Symbol("l", integer=True)
    >>> open_chain_energy(x[l] * x[l - 1], l, 1, 3)
    x[0]*x[1] + x[1]*x[2] + x[2]*x[3]
    """
    if not (isinstance(first, int) and isinstance(last, int)) or last < first:
        raise ValueError(f"an open chain runs over integer sites first <= last; got first={first!r}, last={last!r}")
    return sp.Add(*(energy.subs(site, position) for position in range(first, last + 1)))


def _assumptions(field: sp.IndexedBase) -> dict:
    """The assumptions a user gave a field (``positive``, ``real``...), for its uniform symbol."""
    # Sorted: SymPy lists the facts in the order it derived them, which varies between processes, and
    # ``srepr`` of the uniform symbol prints them in the order given here.
    given = {key: value for key, value in sorted(field.assumptions0.items()) if key != "commutative"}
    return given if given else {"real": True}


def same_ring_energy(first, second, fields, site) -> bool:
    """Whether two site energies give the same total energy on every ring, up to a constant.

    Examples
    --------
    >>> import sympy as sp
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> same_ring_energy(sp.log(x[l - 1]**2) + x[l], sp.log(x[l]**2) + x[l] + 7, [x], l)
    True
    >>> same_ring_energy(x[l] * x[l - 1], x[l] * x[l - 2], [x], l)
    False
    """
    return not _has_fields(ring_residual(first, second, fields, site), fields)


def ring_residual(first, second, fields, site) -> sp.Expr:
    """The difference of two site energies with every term shifted to a canonical site.

    Each additive term is shifted along the ring so that its largest offset is zero (a shift
    does not change the sum over sites). Two energies give the same total energy exactly when
    the residual is free of the fields (a constant).

    Examples
    --------
    >>> import sympy as sp
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> ring_residual(sp.log(2 * x[l - 1]**2) + x[l], sp.log(x[l]**2) + x[l], [x], l)
    log(2)
    """
    difference = sp.expand(first - second)
    canonical = sum((_shift_to_site(term, fields, site) for term in sp.Add.make_args(difference)),
                    sp.Integer(0))
    quick = _cancelled(canonical)
    if _has_fields(quick, fields) and canonical.has(sp.binomial):  # C(N, N - k) = C(N, k): in factorials they cancel
        in_factorials = _cancelled(canonical.replace(lambda e: isinstance(e, sp.binomial),
                                                     lambda e: e.rewrite(sp.factorial)))
        quick = quick if _has_fields(in_factorials, fields) else in_factorials
    if not _has_fields(quick, fields):  # equal energies: only a constant is left, simplify that alone
        return sp.simplify(quick)
    remaining = sp.simplify(sp.expand_log(canonical, force=True))
    return sp.simplify(sp.powsimp(sp.expand(remaining), force=True))  # roots of real energies: positive radicands


def _cancelled(expression: sp.Expr) -> sp.Expr:
    """Logarithms split into logarithms of factors (as for positive arguments), the other terms over one denominator."""
    split = sp.expand(sp.expand_log(sp.expand(expression), force=True))
    logarithmic = [term for term in sp.Add.make_args(split) if term.has(sp.log)]
    rational = [term for term in sp.Add.make_args(split) if not term.has(sp.log)]
    logs = sp.expand(sp.expand_log(sp.Add(*logarithmic).replace(
        sp.log, lambda argument: sp.log(sp.factor(argument))), force=True))
    return logs + sp.cancel(sp.Add(*rational))


def _has_fields(expression: sp.Expr, fields) -> bool:
    labels = {field.label for field in fields}
    return any(term.base.label in labels for term in expression.atoms(sp.Indexed))


def _shift_to_site(term, fields, site):
    labels = {field.label for field in fields}
    offsets = [
        sp.expand(indexed.indices[0] - site)
        for indexed in term.atoms(sp.Indexed)
        if indexed.base.label in labels
    ]
    if not offsets:
        return term
    return term.subs(site, site - max(offsets))
