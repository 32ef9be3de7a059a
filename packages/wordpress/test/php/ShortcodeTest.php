<?php
/**
 * `[pay_link]` and the block's front end, for honest and hostile author input: every attribute is sanitised to an
 * allow-list or escaped, and what reaches the page (parsed back with DOMDocument, as a browser would) holds no
 * markup, handler or URL the author did not get from the plugin.
 *
 * @package PayLink
 */

final class ShortcodeTest extends PayLinkTestCase {

	public function test_a_product_renders_the_element_with_the_proxy_and_a_fallback_link_to_its_buy_page(): void {
		$html = $this->render( '[pay_link product="chai-tin" label="Buy now"]' );
		$this->assertSame(
			'<pay-link-button proxy="https://pay.example.com" product="chai-tin" label="Buy now"><a slot="fallback" href="https://pay.example.com/buy/chai-tin">Buy now</a></pay-link-button>',
			$html
		);
	}

	public function test_without_a_label_the_fallback_link_names_the_product_from_the_proxy_config(): void {
		$button = $this->button( $this->render( '[pay_link product="bali-kopi"]' ) );
		$this->assertSame( 'Buy Bali kopi, 200 g', $button['text'] );
		$this->assertArrayNotHasKey( 'label', $button['element'], 'no label: the element shows its own "Pay Rp…"' );
		$this->assertSame( 'Buy not-in-catalog', $this->button( $this->render( '[pay_link product="not-in-catalog"]' ) )['text'] );
	}

	/** The label from the issue, `"><script>alert(1)</script>`, and its relatives. */
	public function hostile_labels(): array {
		return array(
			'quote-close + script'  => array( '"><script>alert(1)</script>', '">' ),
			'entity-encoded quote'  => array( '&quot;><script>alert(1)</script>', '">' ),
			'img onerror'           => array( 'Buy <img src=x onerror=alert(1)> now', 'Buy now' ),
			'attribute breakout'    => array( "' onmouseover='alert(1)", "' onmouseover='alert(1)" ),
			'svg onload'            => array( '<svg/onload=alert(1)>Pay', 'Pay' ),
			'percent-encoded tag'   => array( '%3Cscript%3Ealert(1)%3C/script%3E', 'scriptalert(1)/script' ),
			'style tag'             => array( '<style>*{display:none}</style>Pay', 'Pay' ),
			'newlines and tabs'     => array( "Buy\n\tnow", 'Buy now' ),
			'ampersand and quotes'  => array( 'Buy "Masala" chai & more', 'Buy "Masala" chai & more' ),
			'non-Latin text'        => array( 'चाय ख़रीदें', 'चाय ख़रीदें' ),
		);
	}

	/** @dataProvider hostile_labels */
	public function test_a_label_is_text_tags_stripped_and_escaped_in_the_attribute_and_the_link( string $label, string $shown ): void {
		$html = $this->render( '[pay_link product="chai-tin" label=\'' . str_replace( "'", '&#039;', $label ) . '\']' );
		$this->assertDoesNotMatchRegularExpression( '/<(?!\/?(pay-link-button|a)\b)/', $html, 'no tag but ours' );
		$button = $this->button( $html );
		$this->assertSame( array( 'pay-link-button', 'a' ), $button['tags'] );
		$this->assertSame( array( 'proxy', 'product', 'label' ), array_keys( $button['element'] ), 'no attribute but ours' );
		$this->assertSame( $shown, $button['element']['label'] );
		$this->assertSame( $shown, $button['text'] );
		$this->assertSame( 'https://pay.example.com/buy/chai-tin', $button['href'] );
	}

	public function test_the_issue_label_renders_exactly_this(): void {
		$this->assertSame(
			'<pay-link-button proxy="https://pay.example.com" product="chai-tin" label="&quot;&gt;"><a slot="fallback" href="https://pay.example.com/buy/chai-tin">&quot;&gt;</a></pay-link-button>',
			$this->render( '[pay_link product="chai-tin" label=\'"><script>alert(1)</script>\']' )
		);
	}

	public function hostile_product_ids(): array {
		return array(
			'attribute breakout' => array( 'x" onmouseover="alert(1)' ),
			'tag'                => array( '<script>alert(1)</script>' ),
			'path traversal'     => array( '../../wp-admin' ),
			'slash'              => array( 'chai/tin' ),
			'query'              => array( 'chai-tin?price=1' ),
			'fragment'           => array( 'chai-tin#x' ),
			'space'              => array( 'chai tin' ),
			'ampersand'          => array( 'chai&tin' ),
			'percent'            => array( 'chai%20tin' ),
			'javascript URL'     => array( 'javascript:alert(1)' ),
			'non-ASCII'          => array( 'ßchai' ),
			'65 characters'      => array( str_repeat( 'x', 65 ) ),
			'empty'              => array( '' ),
		);
	}

	/** @dataProvider hostile_product_ids */
	public function test_a_product_id_outside_the_catalog_pattern_gives_visitors_nothing_and_editors_a_note( string $id ): void {
		$shortcode = '[pay_link product="' . str_replace( '"', '&quot;', $id ) . '"]';
		$this->assertSame( '', $this->render( $shortcode ), 'a visitor sees nothing' );
		$this->as_editor();
		$html = $this->render( $shortcode );
		$this->assertSame( '<p class="pay-link-note" role="note">pay-link: this button needs a product id (letters, digits, &quot;.&quot;, &quot;_&quot;, &quot;-&quot;) or an intent token.</p>', $html );
	}

	public function test_a_product_id_at_the_edges_of_the_pattern_is_kept_as_is(): void {
		foreach ( array( str_repeat( 'x', 64 ), 'A.b_C-9', '0' ) as $id ) {
			$button = $this->button( $this->render( '[pay_link product="' . $id . '"]' ) );
			$this->assertSame( $id, $button['element']['product'] );
			$this->assertSame( 'https://pay.example.com/buy/' . $id, $button['href'] );
		}
	}

	public function test_an_intent_token_renders_the_element_with_a_fallback_link_to_the_pay_page(): void {
		$token = 'pli1.eyJhIjoxMjUwMDAwfQ.c2lnbmF0dXJl-_x';
		$this->assertSame(
			'<pay-link-button proxy="https://pay.example.com" intent="' . $token . '"><a slot="fallback" href="https://pay.example.com/pay/' . $token . '">Pay now</a></pay-link-button>',
			$this->render( '[pay_link intent="' . $token . '"]' )
		);
	}

	public function test_an_intent_wins_over_a_product_and_the_element_gets_only_the_intent(): void {
		$button = $this->button( $this->render( '[pay_link intent="pli1.abc.def" product="chai-tin" quantity="3" label="Pay the invoice"]' ) );
		$this->assertSame( array( 'proxy', 'intent', 'label' ), array_keys( $button['element'] ) );
		$this->assertSame( 'https://pay.example.com/pay/pli1.abc.def', $button['href'] );
		$this->assertSame( 'Pay the invoice', $button['text'] );
	}

	public function hostile_intents(): array {
		return array(
			'attribute breakout' => array( 'pli1.a"><script>alert(1)</script>' ),
			'space'              => array( 'pli1.a b.c' ),
			'slash'              => array( 'pli1.a/../../b' ),
			'query'              => array( 'pli1.a?x=1' ),
			'plus and equals'    => array( 'pli1.a+b=.c' ),
			'4097 characters'    => array( 'pli1.' . str_repeat( 'a', 4092 ) ),
		);
	}

	/** @dataProvider hostile_intents */
	public function test_an_intent_with_characters_a_token_never_has_is_refused( string $intent ): void {
		$this->assertSame( '', $this->render( '[pay_link intent="' . str_replace( '"', '&quot;', $intent ) . '"]' ) );
		// With a valid product next to it, the product is sold, and the bad intent is not passed on.
		$button = $this->button( $this->render( '[pay_link intent="' . str_replace( '"', '&quot;', $intent ) . '" product="chai-tin"]' ) );
		$this->assertArrayNotHasKey( 'intent', $button['element'] );
		$this->assertSame( 'chai-tin', $button['element']['product'] );
	}

	public function test_an_intent_of_4096_characters_is_accepted(): void {
		$token  = 'pli1.' . str_repeat( 'a', 4091 );
		$button = $this->button( $this->render( '[pay_link intent="' . $token . '"]' ) );
		$this->assertSame( $token, $button['element']['intent'] );
	}

	public function test_presentation_takes_only_its_four_values_else_the_site_default(): void {
		foreach ( array( 'popup', 'tab', 'redirect' ) as $value ) {
			$this->assertSame( $value, $this->button( $this->render( '[pay_link product="chai-tin" presentation="' . $value . '"]' ) )['element']['presentation'] ?? null, $value );
		}
		$this->assertSame( 'popup', $this->button( $this->render( '[pay_link product="chai-tin" presentation="POPUP"]' ) )['element']['presentation'] ?? null, 'sanitize_key lowercases' );
		// "auto" is the element's own default: not written.
		$this->assertArrayNotHasKey( 'presentation', $this->button( $this->render( '[pay_link product="chai-tin" presentation="auto"]' ) )['element'] );

		$this->settings( array( 'presentation' => 'tab' ) );
		foreach ( array( 'javascript:alert(1)', 'modal', 'popup" onclick="x', '', 'auto' ) as $value ) {
			$element = $this->button( $this->render( '[pay_link product="chai-tin" presentation="' . str_replace( '"', '&quot;', $value ) . '"]' ) )['element'];
			$expected = 'auto' === $value ? null : 'tab';
			$this->assertSame( $expected, $element['presentation'] ?? null, "presentation=\"{$value}\" → the site default" );
		}
	}

	public function test_theme_takes_light_or_dark_else_nothing(): void {
		$this->assertSame( 'dark', $this->button( $this->render( '[pay_link product="chai-tin" theme="dark"]' ) )['element']['theme'] ?? null );
		$this->assertSame( 'light', $this->button( $this->render( '[pay_link product="chai-tin" theme="light"]' ) )['element']['theme'] ?? null );
		foreach ( array( 'auto', 'neon', 'dark" style="x', '<b>dark</b>', '' ) as $value ) {
			$element = $this->button( $this->render( '[pay_link product="chai-tin" theme="' . str_replace( '"', '&quot;', $value ) . '"]' ) )['element'];
			$this->assertSame( array( 'proxy', 'product' ), array_keys( $element ), "theme=\"{$value}\"" );
		}
	}

	public function test_lang_takes_a_bundled_language_and_quantity_a_number_from_1_to_9999(): void {
		$element = $this->button( $this->render( '[pay_link product="chai-tin" lang="hi" quantity="9999"]' ) );
		$this->assertSame( 'hi', $element['element']['lang'] );
		$this->assertSame( '9999', $element['element']['quantity'] );
		$this->assertSame( 'https://pay.example.com/buy/chai-tin?quantity=9999', $element['href'] );
		foreach ( array( 'lang="xx"', 'lang="hi-IN"', 'quantity="0"', 'quantity="-1"', 'quantity="10000"', 'quantity="1e3"', 'quantity="2.5"', 'quantity="01"', 'quantity="2 "' ) as $attribute ) {
			$element = $this->button( $this->render( '[pay_link product="chai-tin" ' . $attribute . ']' ) );
			$this->assertSame( array( 'proxy', 'product' ), array_keys( $element['element'] ), $attribute );
			$this->assertSame( 'https://pay.example.com/buy/chai-tin', $element['href'], $attribute );
		}
	}

	public function test_a_shortcode_with_no_attributes_or_unknown_ones(): void {
		$this->assertSame( '', $this->render( '[pay_link]' ) );
		$button = $this->button( $this->render( '[pay_link product="chai-tin" onclick="alert(1)" style="display:none" href="javascript:alert(1)"]' ) );
		$this->assertSame( array( 'proxy', 'product' ), array_keys( $button['element'] ), 'unknown attributes are dropped' );
	}

	/** The proxy URL is the administrator's, checked on save; on render it is held to http(s) again. */
	public function fallback_urls(): array {
		return array(
			'a path with a space'  => array( 'https://pay.example.com/shop one', 'https://pay.example.com/shop%20one/buy/chai-tin' ),
			'a port and a path'    => array( 'http://127.0.0.1:8787/pay-link', 'http://127.0.0.1:8787/pay-link/buy/chai-tin' ),
			'a trailing slash'     => array( 'https://pay.example.com/', 'https://pay.example.com/buy/chai-tin' ),
			'a quote and a tag'    => array( 'https://pay.example.com/"><script>x</script>', 'https://pay.example.com/scriptx/script/buy/chai-tin' ),
		);
	}

	/** @dataProvider fallback_urls */
	public function test_the_fallback_link_and_the_proxy_attribute_are_escaped_urls( string $proxy, string $href ): void {
		$this->settings( array( 'proxy_url' => $proxy ) );
		$html   = $this->render( '[pay_link product="chai-tin" quantity="2"]' );
		$button = $this->button( $html );
		$this->assertSame( $href . '?quantity=2', $button['href'] );
		$this->assertSame( substr( $href, 0, -strlen( '/buy/chai-tin' ) ), $button['element']['proxy'] );
		$this->assertStringNotContainsString( '<script', $html );
		$this->assertStringContainsString( '?quantity=2"', $html, 'the query is in the attribute as esc_url writes it' );
	}

	public function test_a_stored_proxy_url_that_is_not_http_gives_no_button(): void {
		foreach ( array( 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'ftp://pay.example.com', '//pay.example.com', 'https://' ) as $proxy ) {
			$this->settings( array( 'proxy_url' => $proxy ) );
			$this->assertSame( '', $this->render( '[pay_link product="chai-tin"]' ), $proxy );
		}
		$this->as_editor();
		$this->assertStringContainsString( 'set the proxy URL under Settings', $this->render( '[pay_link product="chai-tin"]' ) );
	}

	public function test_the_script_is_enqueued_only_when_a_button_renders(): void {
		wp_dequeue_script( PAY_LINK_SCRIPT );
		$this->render( '[pay_link product="not a valid id"]' );
		$this->assertFalse( wp_script_is( PAY_LINK_SCRIPT, 'enqueued' ), 'no button, no script' );
		$this->render( '[pay_link product="chai-tin" lang="th"]' );
		$this->assertTrue( wp_script_is( PAY_LINK_SCRIPT, 'enqueued' ) );
		$this->assertTrue( wp_script_is( PAY_LINK_SCRIPT . '-th', 'enqueued' ), 'with its translation' );
		wp_dequeue_script( PAY_LINK_SCRIPT );
		wp_dequeue_script( PAY_LINK_SCRIPT . '-th' );
	}
}
