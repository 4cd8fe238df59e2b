"""Where a string (an erased email) still appears: every text, JSON, array and bytes column of a database."""

import asyncpg

_TEXT_TYPES = ("text", "character varying", "jsonb", "json", "ARRAY", "bytea")


async def columns_mentioning(url: str, needle: str) -> list[str]:
    """`table.column` of every column holding `needle` (case-insensitive) in some row."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'public' AND data_type = ANY($1::text[])", list(_TEXT_TYPES),
        )
        found = []
        for c in columns:
            value = f'encode("{c["column_name"]}", \'escape\')' if c["data_type"] == "bytea" else f'"{c["column_name"]}"::text'
            query = f'SELECT count(*) FROM "{c["table_name"]}" WHERE strpos(lower({value}), lower($1)) > 0'
            if await conn.fetchval(query, needle):
                found.append(f'{c["table_name"]}.{c["column_name"]}')
        return found
    finally:
        await conn.close()
