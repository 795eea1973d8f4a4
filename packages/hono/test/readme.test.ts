import { testReadmeSnippet } from "@session-store/bridge-test";

testReadmeSnippet(new URL("..", import.meta.url), "port: 3000");
