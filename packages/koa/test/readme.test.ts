import { testReadmeSnippet } from "@session-store/bridge-test";

testReadmeSnippet(new URL("..", import.meta.url), "app.listen(3000");
