import { describe, expect, it } from 'vitest';
import { findRepoTests } from './repo-tests.js';

const FILES: Record<string, string> = {
  'test/strings.test.ts': "import { slugify } from '../src/strings';\ntest('x', () => expect(slugify('a')).toBe('a'));",
  'src/__tests__/more.ts': "import { slugify } from '../strings.js';\nslugify('b');",
  'test/other.test.ts': "import { slugify } from '../src/other';\nslugify('c');",
  'test/titles.spec.ts': "import { titleCase } from '../src/strings';\n",
  'node_modules/x/strings.test.ts': "import { slugify } from '../src/strings';\n",
  'src/strings.ts': 'export function slugify() {}',
  'tests/test_strings.py': 'from textkit.strings import slugify\n\ndef test_a():\n    assert slugify("a") == "a"\n',
  'tests/test_links.py': 'from textkit.links import article_path\n',
  'tests/strings_test.py': 'import textkit.strings\n\ndef test_b():\n    assert textkit.strings.slugify("b") == "b"\n',
};

describe('findRepoTests', () => {
  const find = (language: 'typescript' | 'python', target: string): string[] =>
    findRepoTests({ paths: Object.keys(FILES), read: (path) => FILES[path], target, name: 'slugify', language });

  it('takes test files by the runners\' names that name the function and import its module', () => {
    expect(find('typescript', 'src/strings.ts')).toEqual(['src/__tests__/more.ts', 'test/strings.test.ts']);
    expect(find('python', 'textkit/strings.py')).toEqual(['tests/strings_test.py', 'tests/test_strings.py']);
  });
});
