"""What Taai says when something outside the conversation happens: personal data
was removed, a service is down. Plain Dutch (B1): what happened, that nothing was
lost, what to do. No domain facts here; those live in knowledge/."""

PRIVACY_NOTICE_NL = (
    "Ik heb persoonsgegevens, zoals een naam, adres of BSN, uit uw bericht weggehaald "
    "en vervangen door een label, omdat Taai die gegevens niet nodig heeft en ze "
    "daarom niet bewaart."
)

ACTION_SERVER_UNAVAILABLE_NL = (
    "Sorry, een deel van Taai is even niet bereikbaar, dus ik kan hier nu niet op "
    "antwoorden. Uw gesprek is bewaard: stuur uw bericht over een minuut opnieuw, "
    "dan gaan we verder waar we waren."
)

STORAGE_UNAVAILABLE_NL = (
    "Taai kan uw bericht op dit moment niet verwerken: de opslag van gesprekken is even "
    "niet bereikbaar. Er is niets van uw gesprek verloren gegaan. Probeer het over een "
    "minuut opnieuw."
)
