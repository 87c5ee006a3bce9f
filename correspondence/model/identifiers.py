"""Validation of tax ids, IBANs, postal codes and provinces for Italy and Spain (python-stdnum).

Each validator returns the compact, canonical form or raises ValueError with a reason a user can act on;
pydantic turns that into an error naming the field.
"""
from __future__ import annotations

from stdnum import get_cc_module, iban as _iban
from stdnum.es import cif as es_cif, dni as es_dni, nie as es_nie, nif as es_nif
from stdnum.exceptions import ValidationError
from stdnum.it import codicefiscale as it_cf, iva as it_iva

# Sigle of the Italian provinces and metropolitan cities (ISTAT), including Sud Sardegna (SU).
IT_PROVINCES = frozenset(
    """AG AL AN AO AP AQ AR AT AV BA BG BI BL BN BO BR BS BT BZ CA CB CE CH CL CN CO CR CS CT CZ EN FC FE FG FI
    FM FR GE GO GR IM IS KR LC LE LI LO LT LU MB MC ME MI MN MO MS MT NA NO NU OR PA PC PD PE PG PI PN PO PR PT
    PU PV PZ RA RC RE RG RI RM RN RO SA SI SO SP SR SS SU SV TA TE TN TO TP TR TS TV UD VA VB VC VE VI VR VT VV""".split()
)

# Spanish provinces by the first two digits of their postal codes (INE codes 01-52).
ES_PROVINCES = {
    "01": "Álava", "02": "Albacete", "03": "Alicante", "04": "Almería", "05": "Ávila", "06": "Badajoz",
    "07": "Illes Balears", "08": "Barcelona", "09": "Burgos", "10": "Cáceres", "11": "Cádiz", "12": "Castellón",
    "13": "Ciudad Real", "14": "Córdoba", "15": "A Coruña", "16": "Cuenca", "17": "Girona", "18": "Granada",
    "19": "Guadalajara", "20": "Gipuzkoa", "21": "Huelva", "22": "Huesca", "23": "Jaén", "24": "León",
    "25": "Lleida", "26": "La Rioja", "27": "Lugo", "28": "Madrid", "29": "Málaga", "30": "Murcia",
    "31": "Navarra", "32": "Ourense", "33": "Asturias", "34": "Palencia", "35": "Las Palmas", "36": "Pontevedra",
    "37": "Salamanca", "38": "Santa Cruz de Tenerife", "39": "Cantabria", "40": "Segovia", "41": "Sevilla",
    "42": "Soria", "43": "Tarragona", "44": "Teruel", "45": "Toledo", "46": "Valencia", "47": "Valladolid",
    "48": "Bizkaia", "49": "Zamora", "50": "Zaragoza", "51": "Ceuta", "52": "Melilla",
}

_ES_ALIASES = {"araba": "01", "alava": "01", "alacant": "03", "baleares": "07", "islas baleares": "07",
               "castello": "12", "la coruna": "15", "a coruna": "15", "coruna": "15", "guipuzcoa": "20",
               "gerona": "17", "lerida": "25", "orense": "32", "vizcaya": "48", "valencia/valencia": "46",
               "principado de asturias": "33", "region de murcia": "30", "comunidad de madrid": "28"}


_EU_VAT_PREFIXES = frozenset("AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split())


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _reason(exc: ValidationError) -> str:
    return str(exc.message if hasattr(exc, "message") else exc).rstrip(".").lower()


def validate_tax_id(value: str, country: str) -> str:
    """Validate an Italian codice fiscale / partita IVA, a Spanish NIF / NIE / CIF, or an EU VAT number.

    A two-letter prefix (``IT12345670017``, ``ESB58378431``) selects the country; otherwise `country`
    (the party's address country) does. Returns the canonical form, keeping a prefix if one was given.
    """
    raw = value.strip().replace(" ", "").replace("-", "").replace(".", "").upper()
    # A codice fiscale or a Spanish NIF can never start with "IT"/"ES" or with two letters and a digit.
    prefix = raw[:2] if raw[:2] in ("IT", "ES") or (raw[:2] in _EU_VAT_PREFIXES and raw[2:3].isdigit()) else ""
    cc = prefix or country.upper()
    body = raw[len(prefix):]
    try:
        if cc == "IT":
            if len(body) == 16:
                return prefix + it_cf.validate(body)
            if len(body) == 11 and body.isdigit():
                return prefix + it_iva.validate(body)
            raise ValueError("not a valid Italian codice fiscale (16 characters) or partita IVA (11 digits)")
        if cc == "ES":
            body = es_nif.validate(body)
            if not (es_dni.is_valid(body) or es_nie.is_valid(body) or es_cif.is_valid(body) or body[0] in "KLM"):
                raise ValueError("not a valid Spanish NIF, NIE or CIF")
            return prefix + body
        module = get_cc_module(cc.lower(), "vat")
        if module is None:
            raise ValueError(f"no tax id rules for country {cc}")
        return prefix + module.validate(body)
    except ValidationError as exc:
        kind = {"IT": "Italian codice fiscale / partita IVA", "ES": "Spanish NIF / NIE / CIF"}.get(cc, f"{cc} VAT number")
        raise ValueError(f"invalid {kind} ({_reason(exc)})") from None


def validate_iban(value: str) -> str:
    """Return the IBAN in compact form, or raise with the reason (bad checksum, length, country format)."""
    try:
        return _iban.validate(value)
    except ValidationError as exc:
        raise ValueError(f"invalid IBAN ({_reason(exc)})") from None


def format_iban(value: str) -> str:
    """The IBAN in groups of four, as printed on letters."""
    return _iban.format(value)


def validate_postal_code(code: str, country: str) -> str:
    code = code.strip()
    if country == "IT":
        if not (len(code) == 5 and code.isdigit()):
            raise ValueError("an Italian CAP has exactly 5 digits")
    elif country == "ES":
        if not (len(code) == 5 and code.isdigit() and code[:2] in ES_PROVINCES):
            raise ValueError("a Spanish código postal has 5 digits and starts with a province code 01-52")
    return code


def validate_province(province: str, postal_code: str, country: str) -> str:
    """Italian provinces by sigla (MI, RM, ...); Spanish provinces by name, matching the postal code."""
    if country == "IT":
        sigla = province.strip().upper()
        if sigla not in IT_PROVINCES:
            raise ValueError(f"'{province}' is not an Italian province abbreviation (e.g. MI, RM, NA)")
        return sigla
    if country == "ES":
        folded = _fold(province)
        code = _ES_ALIASES.get(folded) or next((k for k, v in ES_PROVINCES.items() if _fold(v) == folded), None)
        if code is None:
            raise ValueError(f"'{province}' is not a Spanish province")
        if postal_code[:2] != code:
            raise ValueError(f"province {ES_PROVINCES[code]} does not match postal code {postal_code} "
                             f"(expected {code}xxx)")
        return ES_PROVINCES[code]
    return province.strip()
