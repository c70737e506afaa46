-- Schema 4 to 5: the decision and lkg status read a bounded part of the history (boots.sql says how).
CREATE INDEX boots_counted ON boots (number)
    WHERE accepted IS NOT NULL OR mode IN ('safe-minimal', 'safe-network') OR outcome IN ('bugcheck', 'start-failure', 'killed');
CREATE INDEX boots_fallbacks ON boots (number) WHERE mode <> 'normal';
