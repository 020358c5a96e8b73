import base from "./playwright.config";
import { defineConfig } from "@playwright/test";

// Screenshots for a person to look at (scripts/test.sh, ROOKERY_SCREENSHOTS).
export default defineConfig({ ...base, testDir: "./screens" });
