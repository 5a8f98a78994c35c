/* The JSON writer: structure and escaping, invalid UTF-8 included. */
#include "unit.h"
#include "util/json.h"

int main(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer jw;

	json_init(&jw, &sb);
	json_object_begin(&jw, NULL);
	json_string(&jw, "a", "x\"y\\\n\t\x01");
	json_string_n(&jw, "bad", "ok\xff\xc3(\xe2\x82\xac", 8);
	json_array_begin(&jw, "empty");
	json_array_end(&jw);
	json_null(&jw, "n");
	json_int(&jw, "i", -3);
	json_bool(&jw, "t", true);
	json_object_end(&jw);
	UNIT_STREQ(sb.buf, "{\n  \"a\": \"x\\\"y\\\\\\n\\t\\u0001\",\n"
			   "  \"bad\": \"ok\\ufffd\\ufffd(\xe2\x82\xac\",\n"
			   "  \"empty\": [],\n  \"n\": null,\n  \"i\": -3,\n  \"t\": true\n}\n",
		   "json_escapes_and_replaces_invalid_utf8");
	strbuf_release(&sb);
	return unit_done();
}
